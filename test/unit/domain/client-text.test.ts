import { MAX_ECHOED_ID_BYTES, boundedText, echoAccountId } from '../../../src/domain/client-text';

describe('boundedText', () => {
  it('keeps short text as it is', () => {
    expect(boundedText('acme-voice', 64)).toBe('acme-voice');
    expect(boundedText('café 😀', 64)).toBe('café 😀');
  });

  it('cuts to the byte budget, with "…", never inside a character', () => {
    const cut = boundedText('x'.repeat(100), 20);
    expect(cut).toBe(`${'x'.repeat(17)}…`);
    expect(Buffer.byteLength(cut)).toBe(20);
    for (const text of ['é'.repeat(50), '😀'.repeat(50), `a${'😀'.repeat(50)}`]) {
      const bounded = boundedText(text, 21);
      expect(Buffer.byteLength(bounded)).toBeLessThanOrEqual(21);
      expect(bounded.endsWith('…')).toBe(true);
      expect(bounded).not.toMatch(/\ufffd/);
    }
  });

  it('replaces controls and lone surrogates, which would cost six bytes each once JSON-escaped', () => {
    const bounded = boundedText('a\u0000b\u001fc\u0085d\ud800e\udc00f', 64);
    expect(bounded).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf');
    expect(JSON.stringify(bounded)).not.toContain('\\u');
    const worst = boundedText('\u0000'.repeat(1000), 64);
    expect(Buffer.byteLength(JSON.stringify(worst))).toBeLessThanOrEqual(66);
  });
});

describe('echoAccountId', () => {
  it(`echoes at most ${MAX_ECHOED_ID_BYTES} bytes`, () => {
    expect(echoAccountId('1408847')).toBe('1408847');
    expect(Buffer.byteLength(echoAccountId('q'.repeat(256)))).toBe(MAX_ECHOED_ID_BYTES);
  });
});
