/** Applies the application's colour: buttons use it, with black or white text, whichever contrasts more. */
export function applyBrand(color: string | null): void {
  const root = document.documentElement.style;
  if (!color || !/^#[0-9a-f]{6}$/i.test(color)) {
    root.removeProperty('--brand');
    root.removeProperty('--on-brand');
    return;
  }
  root.setProperty('--brand', color);
  root.setProperty('--on-brand', onColor(color));
}

function channel(hex: string, i: number): number {
  const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance → the text colour with the larger contrast ratio. */
export function onColor(hex: string): '#000000' | '#ffffff' {
  const l = 0.2126 * channel(hex, 0) + 0.7152 * channel(hex, 1) + 0.0722 * channel(hex, 2);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000';
}
