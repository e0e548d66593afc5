import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Locator } from '@playwright/test';
import type { SockscopeApp } from './app';

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  remove(): void;
}

/** A self-signed certificate for `name`, made with openssl (an EC key: milliseconds). */
export function makeCertificate(name: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-e2e-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Fills the new-socket dialog's TLS section; the dialog must be open on the right tab. */
export async function useTls(app: SockscopeApp, options: { verify?: boolean; alpn?: string } = {}): Promise<void> {
  await app.dialog.getByLabel('Use TLS').check();
  if (options.alpn !== undefined) await app.dialog.getByLabel('ALPN').fill(options.alpn);
  if (options.verify !== undefined) await app.dialog.getByLabel('Verify certificate').setChecked(options.verify);
}

/** The selected socket's TLS line in its header. */
export function tlsDetails(app: SockscopeApp): Locator {
  return app.page.getByRole('main', { name: 'Selected socket' }).getByRole('group', { name: 'TLS' });
}

/** Opens a TLS listener on 127.0.0.1 with a self-signed certificate for `names`; returns its port. */
export async function startTlsListener(app: SockscopeApp, names: string): Promise<number> {
  await app.page.getByRole('button', { name: 'New listener' }).click();
  await app.dialog.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await app.dialog.getByLabel('Port', { exact: true }).fill('0');
  await useTls(app);
  await app.dialog.getByLabel('Names').fill(names);
  await app.dialog.getByRole('button', { name: 'Listen' }).click();
  await expect(app.dialog).toBeHidden();
  const name = (await app.socketRow(/^TLS listener on /).getAttribute('aria-label')) ?? '';
  const match = /:(\d+), listening/.exec(name);
  if (!match) throw new Error(`listener row does not show its port: ${name}`);
  return Number(match[1]);
}
