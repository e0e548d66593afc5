import './zodConfig';
import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './index.css';
import { startStores } from './startStores';
import { createTransport } from './transport';
import { preloadLazyParts } from './features/shell/lazyParts';

startStores(createTransport());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// Rendered before this script ends, not in a task React schedules after it: the page's load event
// then means the window is there, and nothing is queued between it and the first frame.
const reactRoot = createRoot(root);
flushSync(() =>
  reactRoot.render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);

// The lazy parts load once the first paint is done, so that opening one does not wait for a chunk
// (and React's reveal of a suspended part).
if (typeof requestIdleCallback === 'function') requestIdleCallback(preloadLazyParts, { timeout: 1000 });
else setTimeout(preloadLazyParts, 200);
