import { startChild } from './peers';

/**
 * python3 sends `count` datagrams of `payload` to a loopback port as fast as it can and exits;
 * resolves once it is done. Stopped by stopPeers() if a test ends first.
 */
export async function floodUdp(port: number, count: number, payload: string): Promise<void> {
  const script = [
    'import socket',
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    `for _ in range(${count}): s.sendto(${JSON.stringify(payload)}.encode(), ("127.0.0.1", ${port}))`,
    'print("sent", flush=True)',
  ].join('\n');
  await startChild('python3', ['-c', script], /sent/);
}
