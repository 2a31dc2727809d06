// For screens at small sizes: the parts of a region that are not wholly in view, cut by their own box (text past
// its width), by the region's or by the window's edge. An empty list: everything in it can be read whole.
import type { Locator } from 'playwright-core';

/** What the check reads of an element in the page (the tests are typed without the DOM's library). */
interface PagePart {
  getBoundingClientRect(): { left: number; right: number; bottom: number; width: number; height: number };
  querySelectorAll(selector: string): Iterable<PagePart>;
  scrollWidth: number;
  clientWidth: number;
  textContent: string | null;
}

export function clippedParts(region: Locator): Promise<string[]> {
  return region.evaluate((outerEl: PagePart) => {
    const view = globalThis as unknown as { innerWidth: number; innerHeight: number };
    const outer = outerEl.getBoundingClientRect();
    const cut: string[] = [];
    for (const el of outerEl.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const outside = box.left < outer.left - 0.5 || box.right > Math.min(outer.right, view.innerWidth) + 0.5 || box.bottom > Math.min(outer.bottom, view.innerHeight) + 0.5;
      if (outside || el.scrollWidth > el.clientWidth + 1) cut.push(el.textContent ?? '');
    }
    return cut;
  });
}
