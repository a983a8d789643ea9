import type { Frame } from 'playwright-core';

/** The path of the host's demo Confluence page that embeds the macros. */
export const DEMO_PAGE_PATH = '/wiki/spaces/CBM/pages/1001';

/** The figures the runsheet app leaves on its <body> (data-umig-*), read in its frame. */
export const BODY_MARKS = '({ ...document.body.dataset })';

/**
 * Browser code (a string: the tests are typed without the DOM library) that sets the runsheet's
 * search box as typing does and resolves with the milliseconds to the next painted frame.
 */
export function timeSearch(text: string): string {
  return `(async () => {
    const input = document.querySelector('#filter-text');
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const started = performance.now();
    setValue.call(input, ${JSON.stringify(text)});
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - started;
  })()`;
}

/** Repaint times of a sequence of search texts, as a user narrowing and clearing a search. */
export async function searchRepaints(frame: Frame, texts = ['check', 'chec', 'ch', '', 'trt-0', '']): Promise<number[]> {
  const times: number[] = [];
  for (const text of texts) times.push(await frame.evaluate<number>(timeSearch(text)));
  return times;
}
