import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './index.css';
import { setTransport } from './state/engine';
import { startFileTransferSync } from './state/fileTransfers';
import { startSessionSync } from './state/session';
import { startLibrarySync } from './state/library';
import { startMenuCommands } from './state/menuCommands';
import { startSync } from './state/sync';
import { startTheme } from './state/theme';
import { createTransport } from './transport';

const transport = createTransport();
setTransport(transport);
// Outside React: the subscription lives as long as the window, not as long as a component.
startSync(transport);
startFileTransferSync(transport);
startLibrarySync(transport);
startSessionSync();
startMenuCommands(transport);
startTheme();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
