// Dashboard helpers called from components through JS interop (keyboard shortcuts register here).
window.hub = window.hub || {};
