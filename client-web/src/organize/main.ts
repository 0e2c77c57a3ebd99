// The secretariat's page at /organize: sign in with an organizer account, then the hearings of this server.
import { createApp } from 'vue';
import OrganizeApp from './OrganizeApp.vue';
import { i18n } from '../i18n';
import '../styles.css';

document.documentElement.lang = i18n.global.locale.value;
createApp(OrganizeApp).use(i18n).mount('#app');
