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

// The lazy parts load in the background, so that opening one does not wait for a chunk (and
// React's reveal of a suspended part); not in the moments after the first paint, where the first
// click comes and would wait for their chunks to be compiled and run.
const LAZY_PARTS_AFTER_MS = 1000;
setTimeout(() => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(preloadLazyParts, { timeout: 1000 });
  else preloadLazyParts();
}, LAZY_PARTS_AFTER_MS);
