import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
// After app.css: the shared view rules override the base ones (same specificity, later wins).
import './views.css';
import { initLanguage } from './lib/i18n.svelte';
import { mark } from './lib/startup';

mark('script');

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

// The language first (one settings read), so the first frame is already in the user's language.
export default initLanguage().then(() => mount(App, { target }));
