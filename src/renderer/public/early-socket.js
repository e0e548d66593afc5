/* global window, URLSearchParams, WebSocket */
// The browser host's WebSocket, opened before the main bundle has loaded and been evaluated, so
// that the handshake overlaps that work instead of following it (src/renderer/src/transport/
// earlySocket.ts takes it over, with any message that came first). A classic script of its own:
// Vite would bundle a module script with the main one. Inside Electron there is nothing to open.
(() => {
  if (window.sockscope || !window.location.protocol.startsWith('http')) return;
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}`);
  const received = [];
  socket.onmessage = (message) => received.push(message.data);
  window.__sockscopeEarlySocket = { socket, received };
})();
