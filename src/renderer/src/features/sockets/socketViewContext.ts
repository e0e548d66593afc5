import { createContext } from 'react';
import type { DecoderChoice, FramingSpec } from '@shared/framing';
import { RAW_FRAMING } from '@shared/framing-names';

/** How the shown socket's log is viewed (its SocketInfo.framing and .decoder), for the rows deep inside it. */
export interface SocketViewSettings {
  framing: FramingSpec;
  decoder: DecoderChoice;
  /** The socket shown, for rows that ask main for more of their bytes. */
  socketId: string;
}

export const SocketViewContext = createContext<SocketViewSettings>({ framing: RAW_FRAMING, decoder: 'auto', socketId: '' });
