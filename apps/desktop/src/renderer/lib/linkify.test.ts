import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

const links = (body: string) => linkify(body).filter((part) => part.kind === 'link');

describe('linkify', () => {
  it('finds http and https addresses in running text, keeping the rest as text', () => {
    expect(linkify('see https://example.org/a?b=1#c and http://x.io')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1#c', href: 'https://example.org/a?b=1#c' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.io', href: 'http://x.io/' },
    ]);
  });

  it('never links other schemes', () => {
    for (const body of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox',
      'www.example.org',
      'ftp://example.org',
      'mailto:someone@example.org',
    ]) {
      expect(links(body), body).toEqual([]);
      expect(
        linkify(body)
          .map((part) => part.text)
          .join(''),
      ).toBe(body);
    }
    // a scheme hidden after http: stays inside an http link, never a javascript: one
    expect(links('http://a.b/javascript:alert(1)')[0]).toMatchObject({
      href: 'http://a.b/javascript:alert(1)',
    });
  });

  it('leaves sentence punctuation out of the address, but keeps balanced parentheses', () => {
    expect(links('Look: https://example.org/page.')).toEqual([
      { kind: 'link', text: 'https://example.org/page', href: 'https://example.org/page' },
    ]);
    expect(links('(https://example.org)')[0]?.text).toBe('https://example.org');
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)')[0]?.text).toBe(
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    );
  });

  it('ignores an address that is not a URL at all, and text with no address', () => {
    expect(linkify('http://')).toEqual([{ kind: 'text', text: 'http://' }]);
    expect(linkify('just words')).toEqual([{ kind: 'text', text: 'just words' }]);
    expect(linkify('')).toEqual([]);
  });
});
