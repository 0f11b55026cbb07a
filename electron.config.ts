/** electron-builder configuration (filled in by the packaging work). */
const config = {
  appId: 'org.relaxcert.workbench',
  productName: 'RelaxCert',
};

export default config;
