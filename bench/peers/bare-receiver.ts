/**
 * The reference receivers in plain Node: `--tcp` accepts one connection and reads it to the end;
 * `--udp` counts datagrams, with a receive buffer of `--rcvbuf` bytes if given (the size
 * Sockscope asks for, so that both hold the same backlog). Prints `ready <port>`; for UDP, a line
 * on stdin asks for `count <n>`. `--tcp --keep <bytes>`: the reads land in a ring of 1 MiB slabs
 * that holds the newest `<bytes>`, up to 64 KiB a read, as a streaming log's reads do (Sockscope's
 * read-buffer.ts): what keeping the stream costs a plain receiver, without anything else a log does.
 */
import { createSocket } from 'node:dgram';
import { createServer, Socket, type SocketConstructorOpts } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { tcp: { type: 'boolean' }, udp: { type: 'boolean' }, rcvbuf: { type: 'string' }, keep: { type: 'string' } },
});

const SLAB_BYTES = 1024 * 1024;
const READ_BYTES = 64 * 1024;

/**
 * Where each read lands: the rest of the current slab, or the next one around the ring of `bytes`
 * (whole slabs), so that the newest `bytes` are kept. Touched once at the start, as a log's pooled
 * slabs were by the transfer before: no first-touch page faults during the transfer.
 */
function ringOf(bytes: number): { next(): Uint8Array; landed(size: number): void } {
  const slabs = Array.from({ length: Math.max(1, Math.ceil(bytes / SLAB_BYTES)) }, () => new Uint8Array(SLAB_BYTES).fill(1));
  let slab = 0;
  let used = 0;
  return {
    next() {
      if (SLAB_BYTES - used < READ_BYTES) {
        slab = (slab + 1) % slabs.length;
        used = 0;
      }
      return slabs[slab].subarray(used, used + READ_BYTES);
    },
    landed(size) {
      used += size;
    },
  };
}

/** Reads `socket` to the end (its reads landing in `keep`, if given), then says how much came and closes the server. */
function readToEnd(server: ReturnType<typeof createServer>, accepted: Socket, keep: ReturnType<typeof ringOf> | undefined): void {
  let bytes = 0;
  let socket = accepted;
  if (keep) {
    // net.Server takes no `onread`: the accepted (paused) connection's handle goes to a Socket that does.
    const husk = accepted as unknown as { _handle: unknown };
    const handle = husk._handle;
    husk._handle = null;
    const onread = {
      buffer: () => keep.next(),
      callback: (size: number) => {
        keep.landed(size);
        bytes += size;
        return true;
      },
    };
    socket = new Socket({ handle, onread, allowHalfOpen: false } as SocketConstructorOpts);
    accepted.destroy();
    socket.on('end', () => socket.end());
  } else socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  socket.on('close', () => {
    console.log(`received ${bytes}`);
    server.close();
  });
}

if (values.tcp) {
  const keep = values.keep === undefined ? undefined : ringOf(Number(values.keep));
  const server = createServer({ allowHalfOpen: false, pauseOnConnect: keep !== undefined }, (socket) => readToEnd(server, socket, keep));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`ready ${typeof address === 'object' && address ? address.port : 0}`);
  });
} else if (values.udp) {
  let datagrams = 0;
  const socket = createSocket({ type: 'udp4', recvBufferSize: values.rcvbuf ? Number(values.rcvbuf) : undefined });
  socket.on('message', () => datagrams++);
  socket.bind(0, '127.0.0.1', () => console.log(`ready ${socket.address().port}`));
  createInterface({ input: process.stdin })
    .on('line', () => console.log(`count ${datagrams}`))
    .on('close', () => process.exit(0));
}
