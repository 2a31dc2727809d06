// @vitest-environment jsdom
// How much of a body the inspector shows, and why: a body still streaming says so; a body whose exchange is over
// but which never completed (the client or upstream closed the connection) says it was cut short, never "still
// arriving" for ever.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
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
});
