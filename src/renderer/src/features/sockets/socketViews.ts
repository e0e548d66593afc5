// What the window shows once it has a socket, in one chunk (loaded through shell/lazyParts.ts).
export { SelectedSocket } from './SelectedSocket';
export { SocketList } from './SocketList';
