// The storefront: a small single-page app over the shop's JSON API (see README.md).
// Routes live in the URL hash; the session is an HttpOnly cookie the API sets at log-in.
'use strict';

const state = { me: null, categories: [], cartCount: 0, unread: 0 };
const view = document.getElementById('view');
const PAGE_SIZE = 24;

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body) {
  const options = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    options.headers['content-type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api' + path, options);
  } catch (e) {
    throw new ApiError(0, 'the shop cannot be reached; check your connection');
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, data.error || ('request failed with status ' + response.status));
  }
  return data;
}

// ---------------------------------------------------------------- helpers

function esc(value) {
  return String(value).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function money(amount) {
  return '$' + Number(amount).toFixed(2);
}

function category(id) {
  return state.categories.find(c => c.id === id) || { id, name: id, icon: '📦' };
}

function hue(text) {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}

function tile(product, large) {
  const c = category(product.categoryId);
  const h = hue(product.name);
  // a class per 30° of hue, not a style attribute: the page's Content-Security-Policy refuses inline styles
  return `<div class="tile hue-${Math.floor(h / 30)}${large ? ' large' : ''}" aria-hidden="true">${c.icon}</div>`;
}

function stock(available) {
  if (available === null || available === undefined) return '<span class="stock">Availability unknown</span>';
  if (available <= 0) return '<span class="stock out">Out of stock</span>';
  if (available <= 5) return `<span class="stock low">Only ${available} left</span>`;
  return '<span class="stock ok">In stock</span>';
}

function toast(message, isError) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = 'toast' + (isError ? ' error' : '');
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
}

function params(query) {
  return Object.fromEntries(new URLSearchParams(query || ''));
}

function go(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

function newOrderId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function requireLogin() {
  if (state.me) return true;
  go('#/login?next=' + encodeURIComponent(location.hash));
  return false;
}

// ---------------------------------------------------------------- header

function renderAccount() {
  const nav = document.getElementById('account');
  const cart = `<a href="#/cart" id="cart-link">Cart${state.cartCount ? `<span class="badge" id="cart-count">${state.cartCount}</span>` : ''}</a>`;
  if (state.me) {
    nav.innerHTML = `${cart}<a href="#/orders" id="orders-link">Orders</a>
      <a href="#/inbox" id="inbox-link">Inbox${state.unread ? `<span class="badge">${state.unread}</span>` : ''}</a>
      <span class="muted" id="whoami">${esc(state.me.name)}</span>
      <a href="#/logout" id="logout-link">Log out</a>`;
  } else {
    nav.innerHTML = `${cart}<a href="#/login" id="login-link">Log in</a><a href="#/signup" id="signup-link">Sign up</a>`;
  }
}

async function refreshCounts() {
  if (!state.me) { state.cartCount = 0; state.unread = 0; renderAccount(); return; }
  try {
    const [cart, inbox] = await Promise.all([api('GET', '/cart'), api('GET', '/notifications')]);
    state.cartCount = cart.itemCount;
    state.unread = inbox.filter(n => !n.read).length;
  } catch (e) {
    if (e.status === 401) state.me = null;
  }
  renderAccount();
}

// ---------------------------------------------------------------- pages

function productCard(p) {
  return `<article class="card" data-test="product-card" data-id="${esc(p.id)}">
    <a href="#/product/${encodeURIComponent(p.id)}">${tile(p)}</a>
    <div class="body">
      <a class="name" href="#/product/${encodeURIComponent(p.id)}">${esc(p.name)}</a>
      ${stock(p.available)}
      <div class="row"><span class="price">${money(p.price)}</span>
        <button class="secondary" data-add="${esc(p.id)}" ${p.available !== null && p.available <= 0 ? 'disabled' : ''}>Add</button></div>
    </div>
  </article>`;
}

function bindAddButtons(root) {
  root.querySelectorAll('button[data-add]').forEach(button => {
    button.addEventListener('click', () => addToCart(button.dataset.add, 1));
  });
}

async function addToCart(productId, quantity) {
  if (!requireLogin()) return;
  try {
    const cart = await api('POST', '/cart/items', { productId, quantity });
    state.cartCount = cart.itemCount;
    renderAccount();
    toast('Added to your cart');
  } catch (e) {
    toast(e.message, true);
  }
}

async function searchPage(query) {
  const p = params(query);
  const page = Math.max(1, parseInt(p.page || '1', 10) || 1);
  const q = p.q || '';
  const cat = p.category || '';
  document.getElementById('search-input').value = q;
  const result = await api('GET', `/products?q=${encodeURIComponent(q)}&category=${encodeURIComponent(cat)}`
      + `&offset=${(page - 1) * PAGE_SIZE}&limit=${PAGE_SIZE}`);
  const link = (c, n) => `#/search?q=${encodeURIComponent(q)}&category=${encodeURIComponent(c)}&page=${n}`;
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const count = result.total.toLocaleString("en-US");
  const heading = q ? `${count} ${result.total === 1 ? "result" : "results"} for “${esc(q)}”` : `${count} products`;
  view.innerHTML = `<div class="layout">
      <nav class="categories" aria-label="Categories">
        <a href="${link('', 1)}" class="${cat ? '' : 'active'}">All products</a>
        ${state.categories.map(c => `<a href="${link(c.id, 1)}" class="${c.id === cat ? 'active' : ''}">${c.icon} ${esc(c.name)}</a>`).join('')}
      </nav>
      <section>
        <p class="summary" id="result-summary">${heading}${cat ? ' in ' + esc(category(cat).name) : ''}</p>
        <div class="grid">${result.products.map(productCard).join('') || '<p>Nothing matches. Try fewer words.</p>'}</div>
        <div class="pager">
          ${page > 1 ? `<a class="button secondary" href="${link(cat, page - 1)}">← Previous</a>` : ''}
          <span class="muted">Page ${page} of ${pages}</span>
          ${page < pages ? `<a class="button secondary" href="${link(cat, page + 1)}" id="next-page">Next →</a>` : ''}
        </div>
      </section>
    </div>`;
  bindAddButtons(view);
}

async function productPage(id) {
  const page = await api('GET', '/products/' + encodeURIComponent(id));
  const p = page.product;
  const c = category(p.categoryId);
  view.innerHTML = `<div class="product">
      ${tile(p, true)}
      <div>
        <a class="muted" href="#/search?category=${encodeURIComponent(c.id)}">${c.icon} ${esc(c.name)}</a>
        <h1 id="product-name">${esc(p.name)}</h1>
        <div class="price" id="product-price">${money(p.price)}</div>
        <p>${esc(p.description)}</p>
        ${stock(p.available)}
        <div class="buy">
          <input id="quantity" type="number" min="1" max="99" value="1" aria-label="Quantity">
          <button id="add-to-cart" ${p.available !== null && p.available <= 0 ? 'disabled' : ''}>Add to cart</button>
        </div>
        <p class="muted">SKU ${esc(p.id)}</p>
      </div>
    </div>
    ${page.boughtTogether.length ? `<section class="together" id="bought-together">
      <h2>Customers who bought this also bought</h2>
      <div class="grid">${page.boughtTogether.map(productCard).join('')}</div></section>` : ''}`;
  document.getElementById('add-to-cart').addEventListener('click', () => {
    const quantity = parseInt(document.getElementById('quantity').value, 10);
    addToCart(p.id, Number.isFinite(quantity) ? quantity : 1);
  });
  bindAddButtons(view);
}

async function cartPage() {
  if (!requireLogin()) return;
  const cart = await api('GET', '/cart');
  state.cartCount = cart.itemCount;
  renderAccount();
  if (!cart.lines.length) {
    view.innerHTML = `<div class="panel"><h1>Your cart is empty</h1><p><a href="#/">Browse the shop</a></p></div>`;
    return;
  }
  view.innerHTML = `<div class="panel"><h1>Your cart</h1>
    <table><thead><tr><th>Product</th><th class="num">Price</th><th class="num">Quantity</th><th class="num">Total</th><th></th></tr></thead>
    <tbody>${cart.lines.map(l => `<tr data-test="cart-line" data-id="${esc(l.productId)}">
      <td><a href="#/product/${encodeURIComponent(l.productId)}">${esc(l.name)}</a></td>
      <td class="num">${money(l.unitPrice)}</td>
      <td class="num"><input type="number" min="0" max="99" value="${l.quantity}" data-qty="${esc(l.productId)}" aria-label="Quantity"></td>
      <td class="num">${money(l.lineTotal)}</td>
      <td class="num"><button class="secondary" data-remove="${esc(l.productId)}">Remove</button></td></tr>`).join('')}
    </tbody></table>
    <div class="total" id="cart-total">Total ${money(cart.total)}</div>
    <div class="actions"><a class="button" href="#/checkout" id="checkout">Check out</a></div></div>`;
  view.querySelectorAll('input[data-qty]').forEach(input => input.addEventListener('change', async () => {
    try {
      await api('PUT', '/cart/items/' + encodeURIComponent(input.dataset.qty), { quantity: parseInt(input.value, 10) });
    } catch (e) { toast(e.message, true); }
    cartPage();
  }));
  view.querySelectorAll('button[data-remove]').forEach(button => button.addEventListener('click', async () => {
    try { await api('DELETE', '/cart/items/' + encodeURIComponent(button.dataset.remove)); } catch (e) { toast(e.message, true); }
    cartPage();
  }));
}

async function checkoutPage() {
  if (!requireLogin()) return;
  const cart = await api('GET', '/cart');
  if (!cart.lines.length) { go('#/cart'); return; }
  view.innerHTML = `<div class="panel"><h1>Check out</h1>
    <p>${cart.itemCount} ${cart.itemCount === 1 ? 'item' : 'items'}, total <strong>${money(cart.total)}</strong></p>
    <form class="stack" id="checkout-form">
      <label>Card number <input id="card-number" autocomplete="cc-number" inputmode="numeric" value="4242 4242 4242 4242" required></label>
      <button id="place-order" type="submit">Pay ${money(cart.total)} and place order</button>
      <p class="muted">This shop's payment provider is simulated: no real card is charged.</p>
    </form></div>`;
  document.getElementById('checkout-form').addEventListener('submit', async event => {
    event.preventDefault();
    const button = document.getElementById('place-order');
    button.disabled = true;
    // one id per attempt: a retry after a lost answer reuses it, so the card is charged at most once
    const orderId = sessionStorage.getItem('pendingOrderId') || newOrderId();
    sessionStorage.setItem('pendingOrderId', orderId);
    try {
      const order = await api('POST', '/orders', { orderId, cardNumber: document.getElementById('card-number').value });
      sessionStorage.removeItem('pendingOrderId');
      state.cartCount = 0;
      await refreshCounts();
      go('#/orders/' + order.id);
    } catch (e) {
      // only an answer that may not have reached the shop keeps the id for the retry
      if (e.status !== 0 && e.status < 500) sessionStorage.removeItem('pendingOrderId');
      if (e.status === 503 && !/same order id/.test(e.message)) sessionStorage.removeItem('pendingOrderId');
      toast(e.message, true);
      button.disabled = false;
    }
  });
}

function orderSummary(o) {
  const units = o.lines.reduce((n, l) => n + l.quantity, 0);
  return `${units} ${units === 1 ? 'item' : 'items'} · ${money(o.total)}`;
}

async function ordersPage() {
  if (!requireLogin()) return;
  const orders = await api('GET', '/orders');
  view.innerHTML = `<h1>Your orders</h1>` + (orders.length ? `<div class="list">${orders.map(o => `
    <a class="panel" data-test="order" href="#/orders/${o.id}">
      <span class="status ${o.status}">${o.status}</span> · ${orderSummary(o)}
      <span class="muted"> · ${new Date(o.placedAt).toLocaleString()}</span></a>`).join('')}</div>`
      : '<p>No orders yet.</p>');
}

async function orderPage(id) {
  if (!requireLogin()) return;
  const o = await api('GET', '/orders/' + encodeURIComponent(id));
  view.innerHTML = `<div class="panel"><h1>Order <span class="muted">${esc(o.id.slice(0, 8))}</span></h1>
    <p>Status: <span class="status ${o.status}" id="order-status">${o.status}</span>
      ${o.failure ? ` — ${esc(o.failure)}` : ''}</p>
    <p class="muted">Placed ${new Date(o.placedAt).toLocaleString()}${o.cardLast4 ? ', paid with the card ending in ' + esc(o.cardLast4) : ''}</p>
    <table><thead><tr><th>Product</th><th class="num">Price</th><th class="num">Quantity</th><th class="num">Total</th></tr></thead>
    <tbody>${o.lines.map(l => `<tr data-test="order-line"><td><a href="#/product/${encodeURIComponent(l.productId)}">${esc(l.name)}</a></td>
      <td class="num">${money(l.unitPrice)}</td><td class="num">${l.quantity}</td><td class="num">${money(l.lineTotal)}</td></tr>`).join('')}</tbody></table>
    <div class="total" id="order-total">Total ${money(o.total)}</div></div>`;
}

async function inboxPage() {
  if (!requireLogin()) return;
  const inbox = await api('GET', '/notifications');
  view.innerHTML = `<h1>Inbox</h1>` + (inbox.length ? `<div class="list">${inbox.map(n => `
    <article class="panel notice${n.read ? '' : ' unread'}" data-test="notification" data-id="${n.id}">
      <strong>${esc(n.subject)}</strong> <span class="muted">· ${new Date(n.sentAt).toLocaleString()}</span>
      <pre>${esc(n.body)}</pre></article>`).join('')}</div>` : '<p>No messages.</p>');
  const unread = inbox.filter(n => !n.read);
  await Promise.all(unread.map(n => api('POST', `/notifications/${n.id}/read`).catch(() => null)));
  state.unread = 0;
  renderAccount();
}

function loginPage(query, signUp) {
  const next = params(query).next || '#/';
  view.innerHTML = `<div class="panel"><h1>${signUp ? 'Create an account' : 'Log in'}</h1>
    <form class="stack" id="account-form">
      ${signUp ? '<label>Name <input id="name" autocomplete="name" required></label>' : ''}
      <label>E-mail <input id="email" type="email" autocomplete="email" required></label>
      <label>Password <input id="password" type="password" autocomplete="${signUp ? 'new-password' : 'current-password'}" minlength="8" required></label>
      <button id="${signUp ? 'signup-submit' : 'login-submit'}" type="submit">${signUp ? 'Sign up' : 'Log in'}</button>
      <p>${signUp ? 'Have an account? <a href="#/login">Log in</a>' : 'New here? <a href="#/signup">Create an account</a>'}</p>
    </form></div>`;
  document.getElementById('account-form').addEventListener('submit', async event => {
    event.preventDefault();
    const body = { email: document.getElementById('email').value, password: document.getElementById('password').value };
    if (signUp) body.name = document.getElementById('name').value;
    try {
      const session = await api('POST', signUp ? '/users' : '/sessions', body);
      state.me = session.user;
      await refreshCounts();
      go(next);
    } catch (e) {
      toast(e.message, true);
    }
  });
}

async function logOut() {
  await api('DELETE', '/sessions/current').catch(() => null);
  state.me = null;
  await refreshCounts();
  go('#/');
}

// ---------------------------------------------------------------- routing

async function route() {
  const hash = location.hash.slice(1) || '/';
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts.length === 0 || parts[0] === 'search') await searchPage(query);
    else if (parts[0] === 'product' && parts[1]) await productPage(parts[1]);
    else if (parts[0] === 'cart') await cartPage();
    else if (parts[0] === 'checkout') await checkoutPage();
    else if (parts[0] === 'orders' && parts[1]) await orderPage(parts[1]);
    else if (parts[0] === 'orders') await ordersPage();
    else if (parts[0] === 'inbox') await inboxPage();
    else if (parts[0] === 'login') loginPage(query, false);
    else if (parts[0] === 'signup') loginPage(query, true);
    else if (parts[0] === 'logout') await logOut();
    else view.innerHTML = '<div class="panel"><h1>Not found</h1><p><a href="#/">Back to the shop</a></p></div>';
  } catch (e) {
    if (e.status === 401) {
      state.me = null;
      renderAccount();
      go('#/login?next=' + encodeURIComponent(location.hash));
      return;
    }
    view.innerHTML = `<div class="panel"><h1>Something went wrong</h1><p id="error-message">${esc(e.message)}</p>
      <p><a href="#/">Back to the shop</a></p></div>`;
  }
  window.scrollTo(0, 0);
}

document.getElementById('search').addEventListener('submit', event => {
  event.preventDefault();
  go('#/search?q=' + encodeURIComponent(document.getElementById('search-input').value.trim()));
});
window.addEventListener('hashchange', route);

(async function start() {
  try { state.categories = await api('GET', '/categories'); } catch (e) { toast(e.message, true); }
  try { state.me = await api('GET', '/me'); } catch (e) { state.me = null; }
  await refreshCounts();
  await route();
})();
