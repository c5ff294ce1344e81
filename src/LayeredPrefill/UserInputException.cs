namespace LayeredPrefill;

/// <summary>Bad input a user can fix: the CLI prints the message as one line and exits with code 2.</summary>
/// <remarks>Anything else that escapes is a bug and keeps its stack trace (exit 1).</remarks>
public sealed class UserInputException(string message) : Exception(message);
