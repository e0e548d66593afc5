import { expect } from '@playwright/test';
import type { SockscopeApp } from '../support/app';
import { type Peer, startPeer } from '../support/peers';

/**
 * The user binds a UDP socket, socat sends it one datagram from a port of its own, and the user
 * opens the socket and reads it. Returns socat, which prints whatever comes back: the caller stops it.
 */
export async function udpSocketWithDatagramFromSocat(app: SockscopeApp): Promise<Peer> {
  const port = await app.bindUdp('127.0.0.1');
  const peer = startPeer('socat', ['-', `UDP:127.0.0.1:${port}`]);
  try {
    peer.write('datagram from socat\n');
    await app.socketRow(/^UDP socket/).click();
    await expect(app.log).toContainText('datagram from socat\\n');
    return peer;
  } catch (error) {
    await peer.stop();
    throw error;
  }
}
