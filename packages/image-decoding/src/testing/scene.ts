import sharp from 'sharp';

/**
 * A synthetic, detailed "photo" for tests: text, edges and gradients like a document on a table,
 * rendered by librsvg. Tests derive blurred, dark, bright and small variants from it.
 */
export async function renderScene(width = 1280, height = 860): Promise<Buffer> {
  const lines = Array.from(
    { length: 14 },
    (_, i) =>
      `<text x="${80 + (i % 3) * 12}" y="${120 + i * 48}" font-family="DejaVu Sans" font-size="30" fill="#1a1a2e">IDENTITY CARD ${i} — SURNAME/NOM: MUSTERMANN ${1000 + i * 37}</text>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" x2="1" y1="0" y2="1">
      <stop offset="0" stop-color="#d9c7a3"/><stop offset="1" stop-color="#8c6f4e"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <rect x="50" y="60" width="${width - 100}" height="${height - 120}" rx="28" fill="#eef3f8" stroke="#203040" stroke-width="4"/>
    ${lines}
    <circle cx="${width - 220}" cy="230" r="110" fill="#c49a7c" stroke="#332211" stroke-width="6"/>
    <rect x="${width - 330}" y="380" width="220" height="26" fill="#203040"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}
