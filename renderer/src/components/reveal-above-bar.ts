// Brings a field the focus moved to into sight with its label and messages, above the form's action bar, which
// sticks to the bottom of the view and covers what scrolls under it. focus() alone scrolls only the control, and
// only to the view's edge: behind the bar, its message under it.

/** Room kept between the field and the view's top or the bar. */
const MARGIN = 12;

function scrollerOf(element: HTMLElement): HTMLElement | undefined {
  for (let parent = element.parentElement; parent; parent = parent.parentElement) {
    const overflow = getComputedStyle(parent).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && parent.scrollHeight > parent.clientHeight) return parent;
  }
  return undefined;
}

/** Scrolls `target`'s field (its `.field`, and the hint and errors it is described by) to sit between the view's top and `form`'s action bar. */
export function revealAboveBar(target: HTMLElement, form: HTMLElement): void {
  const described = (target.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean).flatMap((id) => {
    const element = target.ownerDocument.getElementById(id);
    return element ? [element] : [];
  });
  const boxes = [target.closest<HTMLElement>('.field') ?? target, ...described].map((e) => e.getBoundingClientRect());
  const own = target.getBoundingClientRect();
  const scroller = scrollerOf(target);
  const area = scroller ? scroller.getBoundingClientRect() : { top: 0, bottom: target.ownerDocument.documentElement.clientHeight };
  const bar = form.querySelector('.form-actions')?.getBoundingClientRect();
  const top = area.top + MARGIN;
  const bottom = (bar && bar.top < area.bottom ? bar.top : area.bottom) - MARGIN;
  const fieldTop = Math.min(...boxes.map((b) => b.top));
  const fieldBottom = Math.max(...boxes.map((b) => b.bottom));
  let delta = fieldBottom > bottom ? fieldBottom - bottom : 0;
  // A field taller than the room shows its top, and the control itself at least.
  if (fieldTop - delta < top) delta = Math.max(fieldTop, Math.min(own.top, own.bottom - (bottom - top))) - top;
  const scrolled = scroller ?? target.ownerDocument.scrollingElement;
  if (delta !== 0 && scrolled) scrolled.scrollTop += delta;
}
