import type { Ref } from 'react';
import type { ProxyProtocol } from '@shared/proxy';
import { FormField } from '../../ui/FormField';
import { SegmentedField } from '../../ui/SegmentedControl';

const protocols = [
  { value: 'tcp', label: 'TCP' },
  { value: 'udp', label: 'UDP' },
] as const;

interface ProxyProtocolFieldsProps {
  protocol: ProxyProtocol;
  /** Seconds, as typed. */
  idleTimeout: string;
  onChange: (patch: { protocol?: ProxyProtocol; idleTimeout?: string }) => void;
  disabled?: boolean;
  idleTimeoutError?: string;
  idleTimeoutRef?: Ref<HTMLInputElement>;
}

/** The new proxy's protocol, and for UDP how long a client's session lives without a datagram. */
export function ProxyProtocolFields({ protocol, idleTimeout, onChange, disabled, idleTimeoutError, idleTimeoutRef }: ProxyProtocolFieldsProps) {
  return (
    <div className="flex items-start gap-3">
      <SegmentedField
        label="Protocol"
        layout="stacked"
        options={protocols}
        value={protocol}
        onChange={(next) => onChange({ protocol: next })}
        disabled={disabled}
      />
      {protocol === 'udp' ? (
        <FormField
          label="Session idle timeout (s)"
          value={idleTimeout}
          onChange={(value) => onChange({ idleTimeout: value })}
          inputMode="numeric"
          hint="Each client address is a session with its own upstream socket, ended after this long without a datagram."
          className="flex-1"
          disabled={disabled}
          error={idleTimeoutError}
          inputRef={idleTimeoutRef}
        />
      ) : (
        <p className="flex-1 pt-5 text-xs text-muted">Each client gets its own connection to the upstream.</p>
      )}
    </div>
  );
}

/** The `udp` part of proxy.create, from the dialog's seconds (what zod cannot read is sent as NaN, and refused there). */
export function udpOptionsOf(protocol: ProxyProtocol, idleTimeout: string): { udp?: { idleTimeoutMs: number } } {
  if (protocol !== 'udp') return {};
  const seconds = /^\d+(\.\d+)?$/.test(idleTimeout.trim()) ? Number(idleTimeout) : Number.NaN;
  return { udp: { idleTimeoutMs: Math.round(seconds * 1000) } };
}
