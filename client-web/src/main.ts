import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { connect } from './state/session';
import { takeToken } from './state/token';
import './styles.css';

const token = takeToken(window.location, window.history, window.localStorage);
document.documentElement.lang = i18n.global.locale.value;
createApp(App, { token }).use(i18n).mount('#app');
if (token) connect(token);
