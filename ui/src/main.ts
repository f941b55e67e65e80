import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { mark } from './lib/startup';

mark('script');

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
