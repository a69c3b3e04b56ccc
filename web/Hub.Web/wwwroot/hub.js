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
