import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SEND_SETTINGS, pruneSendSettings, readSendSettings, sendSettingsOf, setSendSettings, useSendSettings } from './sendSettings';

beforeEach(() => useSendSettings.setState({ bySocket: {} }));

describe('send settings per socket', () => {
  it('keeps each socket its own, and an accepted connection starts with its listener’s', () => {
    setSendSettings({ id: 'con-1' }, { lineEnding: 'crlf' });
    setSendSettings({ id: 'lst-1' }, { mode: 'hex' });
    const { bySocket } = useSendSettings.getState();
    expect(sendSettingsOf(bySocket, { id: 'con-1' })).toEqual({ mode: 'text', lineEnding: 'crlf', replyToSender: false });
    expect(sendSettingsOf(bySocket, { id: 'udp-1' })).toEqual(DEFAULT_SEND_SETTINGS);
    expect(sendSettingsOf(bySocket, { id: 'con-2', parentId: 'lst-1' }).mode).toBe('hex');
  });

  it('forgets sockets the engine no longer has', () => {
    setSendSettings({ id: 'con-1' }, { lineEnding: 'crlf' });
    setSendSettings({ id: 'udp-1' }, { replyToSender: true });
    pruneSendSettings(['udp-1']);
    expect(Object.keys(useSendSettings.getState().bySocket)).toEqual(['udp-1']);
  });

  it('reads a saved value back, falling back to the defaults for anything unknown', () => {
    expect(readSendSettings({ mode: 'base64', lineEnding: 'weird', replyToSender: 'yes' })).toEqual({
      mode: 'base64',
      lineEnding: 'none',
      replyToSender: false,
    });
    expect(readSendSettings(null)).toBeUndefined();
  });
});
