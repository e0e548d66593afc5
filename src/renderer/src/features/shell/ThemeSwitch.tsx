import { setPreference, type Theme, usePreferences } from './preferences';
import { SegmentedControl } from '../../ui/SegmentedControl';

const options: readonly { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark, or whatever the OS says; saved with the workspace. */
export function ThemeSwitch() {
  const theme = usePreferences((state) => state.theme);
  return <SegmentedControl label="Theme" options={options} value={theme} onChange={(value) => setPreference('theme', value)} />;
}
