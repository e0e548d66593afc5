import { type MainView, showView, useView } from './view';
import { SegmentedControl } from '../../ui/SegmentedControl';

const views: readonly { value: MainView; label: string }[] = [
  { value: 'sockets', label: 'Sockets' },
  { value: 'ports', label: 'Ports' },
];

/** Sockscope's own sockets, or every port on this machine. */
export function ViewSwitch() {
  const view = useView((state) => state.view);
  return <SegmentedControl label="View" options={views} value={view} onChange={showView} />;
}
