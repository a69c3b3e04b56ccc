// Dashboard helpers called from components through JS interop (keyboard shortcuts register here).
window.hub = window.hub || {};

// Saves bytes the circuit fetched (CSV exports) as a file download.
window.hub.downloadFile = function (fileName, contentType, base64) {
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: contentType }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
};

// Inbox keyboard shortcuts: j / k next and previous conversation, r reply, e resolve, a assign to me.
// Ignored while typing in a field or with a modifier held; the page registers its .NET object and gets the key.
window.hub.inboxKeys = (function () {
    const handlers = new Map();
    let next = 1;
    const keys = new Set(["j", "k", "r", "e", "a"]);
    function typing(target) {
        if (!target) return false;
        const tag = (target.tagName || "").toLowerCase();
        return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
    }
    return {
        register(dotnet) {
            const id = next++;
            const listener = (e) => {
                if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || typing(e.target) || !keys.has(e.key)) return;
                e.preventDefault();
                dotnet.invokeMethodAsync("ShortcutAsync", e.key);
            };
            document.addEventListener("keydown", listener);
            handlers.set(id, listener);
            return id;
        },
        unregister(id) {
            const listener = handlers.get(id);
            if (listener) document.removeEventListener("keydown", listener);
            handlers.delete(id);
        }
    };
})();

// Keeps a message list scrolled to its newest message.
window.hub.scrollToEnd = function (element) {
    if (element) element.scrollTop = element.scrollHeight;
};
