import { render } from 'preact';

render(<p>openidv console</p>, document.getElementById('app')!);
