// Placeholder until the 4me client lands: it will regenerate the SDK and fail when the committed copy differs.
console.log("codegen check: no generated code yet");
