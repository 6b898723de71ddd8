import { useEffect, useRef, useState } from 'preact/hooks';

/** A modal viewer: zoom with the buttons, + and -, or the mouse wheel; drag the scrollbars to pan; Escape closes. */
export function Zoom({ src, label, onClose }: { src: string; label: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [scale, setScale] = useState(1);
  const [rotation, setRotation] = useState(0);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const zoom = (f: number) => setScale((s) => Math.min(8, Math.max(0.25, s * f)));
  return (
    <dialog
      ref={ref}
      class="zoom"
      aria-label={`Zoomed ${label}`}
      onClose={onClose}
      onKeyDown={(e) => {
        if (e.key === '+' || e.key === '=') zoom(1.25);
        if (e.key === '-') zoom(0.8);
      }}
    >
      <div class="zoom-bar">
        <button type="button" onClick={() => zoom(1.25)}>
          Zoom in
        </button>
        <button type="button" onClick={() => zoom(0.8)}>
          Zoom out
        </button>
        <button type="button" onClick={() => setScale(1)}>
          Fit
        </button>
        <button type="button" onClick={() => setRotation((r) => (r + 90) % 360)}>
          Rotate
        </button>
        <span aria-live="polite">{Math.round(scale * 100)}%</span>
        <button type="button" class="secondary" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      <section
        class="zoom-stage"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrollable stage must be reachable to pan with the arrow keys
        tabIndex={0}
        aria-label="Zoomed image; scroll or use the arrow keys to pan"
        onWheel={(e) => {
          e.preventDefault();
          zoom(e.deltaY < 0 ? 1.1 : 0.9);
        }}
      >
        <img
          src={src}
          alt={label}
          style={{ transform: `scale(${scale}) rotate(${rotation}deg)`, transformOrigin: 'top left' }}
        />
      </section>
    </dialog>
  );
}
