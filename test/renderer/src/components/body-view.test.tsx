// @vitest-environment jsdom
// How much of a body the inspector shows, and why: a body still streaming says so; a body whose exchange is over
// but which never completed (the client or upstream closed the connection) says it was cut short, never "still
// arriving" for ever.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { BodyView } from '../../../../renderer/src/components/BodyView';
import type { BodyPreview } from '../../../../main/ipc/contract';

afterEach(cleanup);

const partial: BodyPreview = { size: 2048, base64: Buffer.alloc(1024, 1).toString('base64'), truncated: true, complete: false, kind: 'binary' };

describe('BodyView', () => {
  it('says a body of an open exchange is still arriving', () => {
    render(<BodyView body={partial} label="Response body" />);
    expect(screen.getByText(/first 1\.0 KiB of 2\.0 KiB so far, still arriving/)).toBeTruthy();
  });

  it('says a body of an exchange that is over was cut short', () => {
    render(<BodyView body={partial} label="Response body" ended />);
    expect(screen.getByText(/first 1\.0 KiB of 2\.0 KiB, cut short: the connection closed before the body ended/)).toBeTruthy();
    expect(screen.queryByText(/still arriving/)).toBeNull();
  });

  it('shows bytes that are not valid UTF-8 as hex, whatever the Content-Type says, with nothing to copy', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    render(<BodyView body={{ size: bytes.length, base64: bytes.toString('base64'), truncated: false, complete: true, kind: 'json', contentType: 'application/json' }} label="Response body" />);
    expect(screen.getByLabelText('Response body, hex preview').textContent).toContain('7b 22 61 22 3a 22 c3 28 ff 22 7d');
    expect(document.body.textContent).not.toContain('\uFFFD');
    expect(document.querySelector('.body-toolbar strong')!.textContent).toBe('Binary');
    expect(screen.queryByRole('button', { name: 'Copy body' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^(Raw|Pretty)$/ })).toBeNull();
  });

  it('decodes text in the charset its Content-Type declares, and copies that text', async () => {
    const written: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: (t: string) => (written.push(t), Promise.resolve()) } });
    const bytes = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    render(<BodyView body={{ size: 4, base64: bytes.toString('base64'), truncated: false, complete: true, kind: 'text', contentType: 'text/plain; charset=iso-8859-1' }} label="Response body" />);
    expect(screen.getByLabelText('Response body').textContent).toBe('café');
    fireEvent.click(screen.getByRole('button', { name: 'Copy body' }));
    await screen.findByText('Copied.');
    expect(written).toEqual(['café']);
  });
});
