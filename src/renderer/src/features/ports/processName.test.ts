import { describe, expect, it } from 'vitest';
import { processLabel } from './processName';

describe('processLabel', () => {
  it('names an interpreted program by its script or module', () => {
    expect(processLabel('node', '/usr/bin/node /srv/app/server.js --port 8000')).toBe('node server.js');
    expect(processLabel('python3', '/usr/bin/python3 -u -m http.server 8000')).toBe('python3 -m http.server');
    expect(processLabel('java', 'java -Xmx1g -jar /opt/app.jar')).toBe('java -jar app.jar');
    expect(processLabel('python3', 'python3 -c import socket')).toBe('python3 -c …');
  });

  it('keeps the short name of a program that is not an interpreter, or when the command line is unknown', () => {
    expect(processLabel('redis-server', 'redis-server *:6379')).toBe('redis-server');
    expect(processLabel('ncat', undefined)).toBe('ncat');
    expect(processLabel('node', 'node')).toBe('node');
  });
});
