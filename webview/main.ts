// The panel's UI entry point; the panel issue fills it in.
document.body.dataset.quantpilot = "ready";
