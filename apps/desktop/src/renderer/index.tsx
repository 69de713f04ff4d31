import { render } from 'solid-js/web';
import './styles.css';

const root = document.getElementById('root');
if (root) render(() => <p class="p-8">Parley</p>, root);
