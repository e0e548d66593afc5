import { type Theme, usePreferences } from './preferences';

/** The palette follows data-theme on <html> (index.css): unset for System, so the OS decides. */
function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

/** Keeps <html> on the chosen theme from the first paint on. */
export function startTheme(): () => void {
  applyTheme(usePreferences.getState().theme);
  return usePreferences.subscribe((state, previous) => {
    if (state.theme !== previous.theme) applyTheme(state.theme);
  });
}
