// Lantern's page behaviour. Every page works without it; this adds the GOV.UK components'
// behaviour, the session time-out warning, and autosaving of forms so no work is lost.
import { initAll as initGovuk } from "../govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../moj/moj-frontend.min.js";

initGovuk();
initMoj();

const body = document.body;

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// --- Drafts: forms marked data-lantern-draft are saved as the user types (at most every
// 20 seconds) and once more before a time-out, to the user's own draft of that form.
const draftForms = Array.from(document.querySelectorAll("form[data-lantern-draft]"));
const dirty = new Set();

async function saveDraft(form) {
  const data = new FormData(form);
  for (const key of Array.from(data.keys())) {
    if (/password|token|otp/i.test(key)) data.delete(key);
  }
  data.set("draft_path", window.location.pathname);
  try {
    const response = await fetch(body.dataset.draftUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) dirty.delete(form);
  } catch {
    // Offline or signed out: the server keeps the answers when the form is next submitted.
  }
}

function saveAllDrafts() {
  return Promise.all(Array.from(dirty).map(saveDraft));
}

for (const form of draftForms) {
  form.addEventListener("input", () => dirty.add(form));
  form.addEventListener("submit", () => dirty.delete(form));
}
setInterval(saveAllDrafts, 20000);

// --- Time-out warning (GOV.UK pattern): a modal dialog two minutes before an idle session
// ends, with a live countdown; "Stay signed in" renews the session on the server.
const dialog = document.getElementById("timeout-warning");
if (dialog && body.dataset.signedIn !== undefined) {
  const idle = Number(body.dataset.sessionIdleSeconds) * 1000;
  const warning = Number(body.dataset.sessionWarningSeconds) * 1000;
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  let lastActivity = Date.now();
  let returnFocus = null;

  const describe = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const signOut = async () => {
    await saveAllDrafts();
    const form = document.createElement("form");
    form.method = "post";
    form.action = body.dataset.signOutUrl;
    const fields = [
      ["csrfmiddlewaretoken", csrfToken()],
      ["reason", "timeout"],
      ["next", window.location.pathname],
    ];
    for (const [name, value] of fields) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  };

  const keepAlive = async () => {
    const response = await fetch(body.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) lastActivity = Date.now();
    else window.location.reload();
  };

  dialog.querySelector("[data-timeout-continue]").addEventListener("click", async () => {
    await keepAlive();
    dialog.close();
    if (returnFocus) returnFocus.focus();
  });
  dialog.querySelector("[data-timeout-sign-out]").addEventListener("click", (event) => {
    event.preventDefault();
    signOut();
  });
  dialog.addEventListener("cancel", (event) => event.preventDefault());

  // HTMX requests renew the session on the server too.
  document.addEventListener("htmx:afterRequest", () => {
    lastActivity = Date.now();
  });

  setInterval(() => {
    const remaining = lastActivity + idle - Date.now();
    if (remaining <= 0) {
      signOut();
    } else if (remaining <= warning) {
      if (!dialog.open) {
        returnFocus = document.activeElement;
        saveAllDrafts();
        dialog.showModal();
      }
      countdown.textContent = describe(remaining);
    }
  }, 1000);
}
