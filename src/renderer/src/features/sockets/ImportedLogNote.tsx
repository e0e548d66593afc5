import type { SocketInfo } from '@shared/contract';
import { FileIcon } from '../../ui/Icons';

type OriginalKind = NonNullable<SocketInfo['importedFrom']>['kind'];

const originalKind: Record<OriginalKind, string> = {
  'tcp-client': 'a TCP client',
  'tcp-listener': 'a TCP listener',
  'tcp-connection': 'an accepted TCP connection',
  udp: 'a UDP socket',
  proxy: 'a proxy',
  'proxy-conversation': 'a proxied conversation',
};

/** Where an imported log's send bar would be: what it is and where it came from. Nothing to send. */
export function ImportedLogNote({ socket }: { socket: SocketInfo }) {
  const origin = socket.importedFrom;
  return (
    <div className="flex shrink-0 items-center gap-2 border-t border-line bg-panel px-3 py-2.5 text-xs text-muted">
      <FileIcon className="size-3.5 shrink-0" />
      <span className="min-w-0 truncate">
        Imported from <span className="font-mono text-fg">{origin?.fileName ?? 'a file'}</span>
        {origin && (
          <>
            : the log of {originalKind[origin.kind]}, <span className="font-mono text-fg">{origin.id}</span>
          </>
        )}
        . Read-only, nothing is sent from here.
      </span>
    </div>
  );
}
