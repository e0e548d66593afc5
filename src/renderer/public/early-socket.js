/* global window, URLSearchParams, WebSocket */
// The browser host's WebSocket, opened before the main bundle has loaded and been evaluated, so
// that the handshake overlaps that work instead of following it (src/renderer/src/transport/
// earlySocket.ts takes it over, with any message that came first). A classic script of its own:
// Vite would bundle a module script with the main one. Inside Electron there is nothing to open.
// The bundle's files may come from the browser's cache and run first: then the transport has
// connected already (takeEarlySocket leaves its mark), and this opens nothing.
(() => {
  if (window.sockscope || !window.location.protocol.startsWith('http') || '__sockscopeEarlySocket' in window) return;
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`);
  const received = [];
  socket.onmessage = (message) => received.push(message.data);
  window.__sockscopeEarlySocket = { socket, received };
})();
