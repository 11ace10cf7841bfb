import type uPlot from 'uplot';

/**
 * What every live chart does around its uPlot instance: follow its container's width and
 * redraw when the theme changes (the strokes read CSS variables). Returns the cleanup.
 */
export function watchChartFrame(
  u: uPlot,
  el: HTMLElement,
  size: { minWidth: number; height: number },
  onResize: () => void,
): () => void {
  const resize = new ResizeObserver(() => {
    u.setSize({ width: Math.max(size.minWidth, el.clientWidth), height: size.height });
    onResize();
  });
  resize.observe(el);
  const themeWatch = new MutationObserver(() => u.redraw(false));
  themeWatch.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['data-theme'],
  });
  return () => {
    resize.disconnect();
    themeWatch.disconnect();
  };
}
