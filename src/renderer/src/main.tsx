import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './index.css';
import { startStores } from './startStores';
import { createTransport } from './transport';
import { preloadLazyParts } from './features/shell/lazyParts';

startStores(createTransport());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The New… dialog and the other lazy parts load once the first paint is done, so that the first
// click does not wait for a chunk (and React's reveal of a suspended part).
if (typeof requestIdleCallback === 'function') requestIdleCallback(preloadLazyParts, { timeout: 1000 });
else setTimeout(preloadLazyParts, 200);
