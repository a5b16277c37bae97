namespace Mitzvah.Core.Catalogue;

/// <summary>What a cycle item is.</summary>
public enum StudyItemKind
{
    /// <summary>A positive commandment (P1-P248).</summary>
    PositiveCommandment,

    /// <summary>A negative commandment (N1-N365).</summary>
    NegativeCommandment,

    /// <summary>A named section: the introduction, the principles, the prayer and Haggadah texts, and so on.</summary>
    Section,
}
