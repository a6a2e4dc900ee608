import { mount } from 'svelte'
import './app.css'
import App from './App.svelte'
import { guardNavigation } from './lib/links'
import { backend } from './lib/api/backend'

guardNavigation()

const target = document.getElementById('app')
if (!target) throw new Error('index.html has no #app element')

const app = mount(App, { target })
void backend.frontendReady()

export default app
