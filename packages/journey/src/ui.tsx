import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

let firstScreen = true;

/**
 * The screen's heading; it takes focus when a new screen appears (not the first), so screen readers announce
 * the new step and keyboard users continue from the top.
 */
export function Heading(props: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (firstScreen) firstScreen = false;
    else ref.current?.focus();
  }, []);
  return (
    <h1 id="h" tabIndex={-1} ref={ref}>
      {props.children}
    </h1>
  );
}

export function Message(props: { title: string; children?: ComponentChildren; tone?: 'ok' | 'bad' }) {
  return (
    <section class="screen message" aria-labelledby="h">
      {props.tone && <div class={`badge ${props.tone}`} aria-hidden="true" />}
      <Heading>{props.title}</Heading>
      {props.children}
    </section>
  );
}
