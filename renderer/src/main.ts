import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { useUiStore } from './stores/ui-store.ts';
import { errorMessage } from './api/error-message.ts';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);

// A failure inside a component or a forgotten promise becomes a readable message, never a
// blank view; it is still logged for whoever debugs it.
const ui = useUiStore(pinia);
app.config.errorHandler = (error) => {
  ui.notify('error', errorMessage(error));
  console.error(error);
};
window.addEventListener('unhandledrejection', (event) => {
  ui.notify('error', errorMessage(event.reason));
});

app.mount('#app');
