import Federation

extension HeartDiseaseFile {
    /// Each kept row's sex and age band, for subgroup validation.
    ///
    /// They are read here, from the file's raw values, because the features a model sees are
    /// standardized per site (FLamby's protocol), and un-standardizing would need the site's
    /// statistics at the place that groups. The labels stay at the site with its rows
    /// (`SiteData.testAttributes`); only per-group score histograms ever leave. UCI codes
    /// sex as 1 = male, 0 = female (heart-disease.names, attribute 2); age is in years.
    var patientAttributes: PatientAttributes {
        let width = Self.featureColumns.count
        let ageColumn = Self.featureColumns.firstIndex(of: Self.columnNames.firstIndex(of: "age")!)!
        let sexColumn = Self.featureColumns.firstIndex(of: Self.columnNames.firstIndex(of: "sex")!)!
        var attributes = PatientAttributes(rowCount: rowCount)
        attributes.set(
            .sex,
            (0..<rowCount).map { row in
                switch features[row * width + sexColumn] {
                case 1: "male"
                case 0: "female"
                default: nil
                }
            })
        attributes.set(.ageBand, (0..<rowCount).map { AgeBands.label(forAge: features[$0 * width + ageColumn]) })
        return attributes
    }
}
