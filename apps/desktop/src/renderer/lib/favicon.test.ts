/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentTitle, faviconSvg, faviconUrl } from './favicon';

describe('favicon and title', () => {
  it('draws a badge with the unread count, capped at 99+', () => {
    expect(faviconSvg(0)).not.toContain('<circle');
    expect(faviconSvg(3)).toContain('>3</text>');
    expect(faviconSvg(250)).toContain('>99+</text>');
    expect(decodeURIComponent(faviconUrl(7).replace('data:image/svg+xml,', ''))).toBe(
      faviconSvg(7),
    );
  });

  it('ships the plain mark as the static favicon', () => {
    const file = readFileSync(join(process.cwd(), 'src/renderer/public/favicon.svg'), 'utf8');
    expect(file.trim()).toBe(faviconSvg(0));
  });

  it('puts the count in the title', () => {
    expect(documentTitle(0)).toBe('Parley');
    expect(documentTitle(12)).toBe('(12) Parley');
  });
});
