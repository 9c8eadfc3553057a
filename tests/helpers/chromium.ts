import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); .ci/run installs it where it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

export interface PageCheck {
  width: number;
  /** Each image by its alt text, and whether the browser decoded it. */
  images: { alt: string; loaded: boolean; width: number }[];
  /** The page's full width: more than the viewport means something sticks out sideways. */
  scrollWidth: number;
  viewport: number;
  /** Elements wider than the viewport, by tag and the start of their text. */
  overflowing: string[];
}

/**
 * Opens an HTML file in real headless Chromium at each width, reports what a reader would see
 * wrong (an image not shown, the page wider than the screen), and saves a full-page screenshot of
 * the first width when asked.
 */
export async function checkInChromium(
  file: string,
  widths: number[],
  screenshot?: string,
): Promise<PageCheck[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const out: PageCheck[] = [];
    for (const [i, width] of widths.entries()) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // A string, so that the page's own types (DOM) stay out of the project's.
      const check = await page.evaluate<Omit<PageCheck, 'width'>>(`(() => {
        const vw = window.innerWidth;
        return {
          images: [...document.images].map((img) => ({
            alt: img.alt,
            loaded: img.complete && img.naturalWidth > 0,
            width: img.getBoundingClientRect().width,
          })),
          scrollWidth: document.documentElement.scrollWidth,
          viewport: vw,
          overflowing: [...document.body.querySelectorAll('*')]
            .filter((el) => el.getBoundingClientRect().right > vw + 0.5)
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + ': ' + (el.textContent || '').slice(0, 60)),
        };
      })()`);
      out.push({ width, ...check });
      if (i === 0 && screenshot) await page.screenshot({ path: screenshot, fullPage: true });
      await page.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}
