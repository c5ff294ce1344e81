namespace LayeredPrefill.Workloads;

/// <summary>One request to serve: when it arrives and how many tokens it reads and writes.</summary>
public sealed record Request(int Id, double ArrivalSeconds, int PromptTokens, int OutputTokens);
