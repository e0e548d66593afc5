import type { SocketInfo } from '@shared/contract';
import type { DecoderChoice } from '@shared/framing';
import { chooseDecoder } from '../framing/framing';
import { reportError } from '../../sockets/sockets';

const OPTIONS: readonly { value: DecoderChoice; label: string }[] = [
  { value: 'auto', label: 'Auto-detect' },
  { value: 'json', label: 'JSON' },
  { value: 'http', label: 'HTTP/1.x' },
  { value: 'resp', label: 'RESP (Redis)' },
];

/** Which decoder the Decoded view uses for this socket: Auto picks per payload from its bytes. */
export function DecoderSelect({ socket }: { socket: SocketInfo }) {
  const change = async (decoder: DecoderChoice): Promise<void> => {
    const result = await chooseDecoder(socket.id, decoder);
    if (!result.ok) reportError(socket.id, result.error);
  };
  return (
    <select
      aria-label="Decoder"
      title="How the Decoded view reads each payload"
      value={socket.decoder ?? 'auto'}
      onChange={(event) => void change(event.target.value as DecoderChoice)}
      className="h-6 rounded border border-line-strong bg-canvas px-1 text-xs text-fg"
    >
      {OPTIONS.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}
