//! Building the consumer's ResourceSlice (`create resourceslice`, `peer`): labels, annotations,
//! spec from flags, quantities validated.
