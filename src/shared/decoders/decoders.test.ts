import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHttp, type HttpView } from './http';
import { decodeFrame } from '.';
import { decodeJson, type JsonNode, type JsonView, MAX_JSON_DEPTH } from './json';
import { decodeResp, type RespView } from './resp';
import { encodeResp, respValue } from './test-support';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('decodeJson', () => {
  it('keeps the digits of numbers, the order of keys and duplicate keys', () => {
    const view = decodeJson(bytes('{"id": 18446744073709551617, "b": 1.50, "a": [true, null, "x\\n"], "a": {}}')) as JsonView;
    expect(view.documents).toEqual<JsonNode[]>([
      {
        type: 'object',
        entries: [
          ['id', { type: 'number', text: '18446744073709551617' }],
          ['b', { type: 'number', text: '1.50' }],
          ['a', { type: 'array', items: [{ type: 'boolean', value: true }, { type: 'null' }, { type: 'string', value: 'x\n' }] }],
          ['a', { type: 'object', entries: [] }],
        ],
      },
    ]);
  });

  it('reads NDJSON as one document a line', () => {
    const view = decodeJson(bytes('{"n":1}\n{"n":2}\n')) as JsonView;
    expect(view.documents).toHaveLength(2);
  });

  it('says where the JSON goes wrong', () => {
    expect(decodeJson(bytes('{"a": 1,\n "b" 2}'))).toEqual({ failure: 'Not JSON: expected ":" but found "2" (line 2, column 6)' });
    expect(decodeJson(bytes('{"a": [1, 2'))).toEqual({ failure: 'Not JSON: it ends where "]" should follow' });
    expect(decodeJson(bytes('  '))).toEqual({ failure: 'Not JSON: there is nothing but white space' });
    expect(decodeJson(Uint8Array.of(0x7b, 0xff))).toEqual({ failure: 'Not JSON: the bytes are not valid UTF-8' });
  });

  it('refuses nesting deeper than its limit instead of overflowing the stack', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 5) + ']'.repeat(MAX_JSON_DEPTH + 5);
    expect(decodeJson(bytes(deep))).toEqual({ failure: `Not JSON: it is nested deeper than ${MAX_JSON_DEPTH} levels` });
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        const view = decodeJson(bytes(json));
        expect('documents' in view).toBe(true);
      }),
    );
  });
});

describe('decodeHttp', () => {
  it('reads a response with its headers and a Content-Length body, then the next one', () => {
    const view = decodeHttp(
      bytes('HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 204 No Content\r\n\r\n'),
    ) as HttpView;
    expect(view.messages).toHaveLength(2);
    expect(view.messages[0]).toMatchObject({
      type: 'response',
      startLine: 'HTTP/1.0 200 OK',
      headers: [
        { name: 'Server', value: 'SimpleHTTP/0.6' },
        { name: 'Content-Length', value: '2' },
      ],
      bodyFraming: 'Content-Length 2',
    });
    expect(text(view.messages[0].body)).toBe('hi');
    expect(view.messages[1]).toMatchObject({ startLine: 'HTTP/1.1 204 No Content', bodyFraming: 'none' });
  });

  it('de-chunks a chunked body', () => {
    const view = decodeHttp(bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n')) as HttpView;
    expect(text(view.messages[0].body)).toBe('Wikipedia');
    expect(view.messages[0].bodyFraming).toBe('chunked, 2 chunks');
    expect(view.messages[0].incomplete).toBeUndefined();
  });

  it('reads a request and says what is missing from one cut short', () => {
    const request = decodeHttp(bytes('POST /api HTTP/1.1\nHost: x\nContent-Length: 10\n\n{"a"')) as HttpView;
    expect(request.messages[0]).toMatchObject({ type: 'request', incomplete: 'The body has 4 of its 10 bytes so far' });
    const headersOnly = decodeHttp(bytes('GET / HTTP/1.1\r\nHost: x\r\n')) as HttpView;
    expect(headersOnly.messages[0].incomplete).toBe('The headers have not ended yet');
  });

  it('explains bytes that are not HTTP', () => {
    expect(decodeHttp(bytes('hello there\r\n'))).toEqual({ failure: 'Not HTTP: "hello there" is neither a request line nor a status line' });
    expect(decodeHttp(bytes('GET / HTTP/1.1\r\nno colon here\r\n\r\n'))).toEqual({ failure: 'Not HTTP: "no colon here" is not a header line' });
  });
});

describe('decodeResp', () => {
  it('reads what redis-server sends: status, errors, integers, bulk strings, nil and nested arrays', () => {
    const view = decodeResp(bytes('+OK\r\n-ERR unknown command\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n')) as RespView;
    expect(view.values.map((v) => v.type)).toEqual(['simple', 'error', 'integer', 'bulk', 'null', 'aggregate']);
    expect(view.stopped).toBeUndefined();
  });

  it('reads inline commands as typed into nc', () => {
    expect((decodeResp(bytes('SET greeting hello\r\nGET greeting\n')) as RespView).values).toEqual([
      { type: 'inline', words: ['SET', 'greeting', 'hello'] },
      { type: 'inline', words: ['GET', 'greeting'] },
    ]);
  });

  it('keeps what came before a value cut short, and says where it stopped', () => {
    const view = decodeResp(bytes('*3\r\n:1\r\n$10\r\nhel')) as RespView;
    expect(view.values).toEqual([{ type: 'aggregate', of: 'array', items: [{ type: 'integer', value: '1' }], partial: true }]);
    expect(view.stopped).toBe('The reply ends inside a 10-byte bulk string (3 bytes so far)');
  });

  it('explains bytes that are not RESP', () => {
    expect(decodeResp(bytes(':12x\r\n'))).toEqual({ failure: 'Not RESP: "12x" is not an integer' });
    expect(decodeResp(Uint8Array.of(1, 2, 10))).toMatchObject({ failure: expect.stringMatching(/^Not RESP: a line holds control bytes/) });
  });

  it('reads back every value it is given, and any cut of it without throwing', () => {
    fc.assert(
      fc.property(fc.array(respValue, { minLength: 1, maxLength: 3 }), fc.nat(), (values, cut) => {
        const encoded = bytes(values.map(encodeResp).join(''));
        expect(decodeResp(encoded)).toEqual({ kind: 'resp', values });
        const prefix = encoded.subarray(0, cut % (encoded.length + 1));
        const partial = decodeResp(prefix);
        if (prefix.length > 0 && 'values' in partial && partial.stopped === undefined) {
          expect(bytes(partial.values.map(encodeResp).join(''))).toEqual(prefix);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('decodeFrame', () => {
  it('picks the decoder from what the bytes look like on Auto, and leaves plain text alone', () => {
    expect(decodeFrame(bytes('{"a":1}'), 'auto')).toMatchObject({ kind: 'json' });
    expect(decodeFrame(bytes('HTTP/1.1 200 OK\r\n\r\n'), 'auto')).toMatchObject({ kind: 'http' });
    expect(decodeFrame(bytes('$3\r\nabc\r\n'), 'auto')).toMatchObject({ kind: 'resp' });
    expect(decodeFrame(bytes('hello\r\n'), 'auto')).toBeUndefined();
    // A Redis inline command that starts like a request line is not taken for HTTP.
    expect(decodeFrame(bytes('GET greeting\r\n'), 'auto')).toBeUndefined();
    expect(decodeFrame(bytes('GET /index.ht'), 'auto')).toEqual({ failure: 'The HTTP start line has not ended yet' });
    expect(decodeFrame(bytes('hello'), 'json')).toMatchObject({ failure: expect.stringMatching(/^Not JSON/) });
  });

  it('never throws, whatever the bytes and the decoder', () => {
    const protocolish = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(
          fc.constantFrom('GET / HTTP/1.1\r\n', 'HTTP/1.1 200 OK\r\n', '*2\r\n', '$4\r\n', '{"a":', '%1\r\n', 'Transfer-Encoding: chunked\r\n\r\n'),
          fc.uint8Array({ maxLength: 60, max: 0x7f }),
        )
        .map(([start, rest]) => new Uint8Array([...bytes(start), ...rest])),
    );
    fc.assert(
      fc.property(protocolish, fc.constantFrom('auto' as const, 'json' as const, 'http' as const, 'resp' as const), (input, choice) => {
        decodeFrame(input, choice);
      }),
      { numRuns: 2000 },
    );
  });
});
